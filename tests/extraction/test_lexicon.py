"""Words misread into rarer ones are told from right words by English word frequencies."""
import pytest

from extraction.parsers import lexicon, values


@pytest.mark.parametrize("word", ["moming", "Seattie", "Cotumbus", "diabotes", "Dubols", "Asplrin", "Phoenlx", "sieep"])
def test_a_word_one_confused_letter_from_a_far_more_common_one_is_a_misreading(word):
    assert lexicon.misread(word)


@pytest.mark.parametrize("word", ["morning", "Seattle", "Lialda", "Sumatriptan", "Insuarance", "Adeyemi", "Sharapova",
                                  "Bollinger", "Dust", "Lella", "Blvd", "mg"])
def test_right_words_rare_names_and_short_words_are_not(word):
    assert not lexicon.misread(word)


def test_the_variants_are_one_confusion_away_both_ways():
    assert {"morning", "rnoming"} <= lexicon.variants("moming")
    assert "dust" in lexicon.variants("clust")
    assert "moming" not in lexicon.variants("moming")


def test_a_misread_word_lowers_the_fit_of_free_text_and_of_names():
    assert values.text_fit("take 2 capsules every morning") == 1.0
    assert values.text_fit("take 2 capsules every moming") == values.MISREAD_WORD_FIT
    assert values.text_fit("5839 Lake St, Cotumbus, Seattie") == values.MISREAD_WORD_FIT ** 2
    assert values.name_fit("Omar Dubois") == 1.0
    assert values.name_fit("Omar Dubols") == values.MISREAD_WORD_FIT
