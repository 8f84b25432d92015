"""The document generator's copies of real documents, as the benchmark photographs the corpus again."""
import json

from extraction import filetypes, synth
from extraction.synth.degrade import PRESETS


def test_every_preset_photographs_each_real_document_again_with_its_truth(tmp_path):
    source, out = tmp_path / "source", tmp_path / "copies"
    source.mkdir()
    truth = synth.write_document(source / "sheet.pdf", "prescription", seed=4, degradation="clean", fmt="pdf")
    (source / "ground_truth.json").write_text(json.dumps({"sheet.pdf": truth}))

    written = synth.degrade_set(source, out, copies=1, seed=9)

    assert sorted(written) == sorted(f"sheet_{preset}_1.{ext}" for preset, ext in
                                     zip(PRESETS, ["pdf", "png", "jpg", "tif", "pdf", "png"]))
    assert json.loads((out / "ground_truth.json").read_text()) == written
    assert all(expected == truth for expected in written.values())
    kinds = {name: filetypes.sniff_file(out / name) for name in written}
    assert kinds["sheet_clean_1.pdf"] == filetypes.PDF
    assert kinds["sheet_photo_1.jpg"] == filetypes.JPEG
    assert kinds["sheet_rotated_1.tif"] == filetypes.TIFF
