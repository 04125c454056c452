"""ImageNet class lookup by name: exact, synonym, then part of a name; ids; helpful errors."""

import pytest

from kerasgan.hub import imagenet_classes
from kerasgan.hub.imagenet_classes import class_name, describe_class, find_class, search_classes


@pytest.mark.parametrize(
    "name, class_id",
    [
        ("golden retriever", 207),
        ("hen", 8),  # exact beats "mud hen" (137) and "hen-of-the-woods" (996)
        ("Golden_Retriever", 207),  # case and underscores do not matter
        ("  golden   retriever ", 207),
        ("rooster", 7),  # the clean name of class 7, whose WordNet name is "cock"
        ("cock", 7),
        ("Tinca tinca", 0),  # a WordNet synonym
        ("semi", 867),  # a synonym of "trailer truck"
        ("hen of the woods", 996),  # "hen-of-the-woods" with the hyphens as spaces
        ("pickup", 717),
        ("tusker", 101),
        (207, 207),
        ("207", 207),
        (0, 0),
        (999, 999),
    ],
)
def test_find_class(name, class_id):
    assert find_class(name) == class_id


@pytest.mark.parametrize(
    "name, candidates",
    [
        ("elephant", [385, 386]),
        ("truck", [555, 569, 717, 864, 867]),
        ("crane", [134, 517]),  # two classes share the WordNet name
        ("retriev", [205, 206, 207, 208, 209]),  # part of a word
    ],
)
def test_ambiguous_name_lists_every_candidate(name, candidates):
    with pytest.raises(ValueError) as error:
        find_class(name)
    message = str(error.value)
    assert f"matches {len(candidates)} ImageNet classes" in message
    for class_id in candidates:
        assert describe_class(class_id) in message


def test_elephant_candidates_are_named():
    with pytest.raises(ValueError, match="385 Indian elephant.*386 African elephant"):
        find_class("elephant")


def test_truck_candidates_are_named():
    with pytest.raises(ValueError) as error:
        find_class("truck")
    for name in ["fire engine", "garbage truck", "pickup", "tow truck", "trailer truck"]:
        assert name in str(error.value)


def test_long_candidate_lists_are_cut():
    with pytest.raises(ValueError, match=r"and \d+ more; use one of these"):
        find_class("dog")


@pytest.mark.parametrize(
    "misspelling, suggestion",
    [
        ("golden retreiver", "207 golden retriever"),
        ("goldn retriever", "207 golden retriever"),
        ("elefant", "386 African elephant"),  # close to a word inside names
        ("ostrch", "9 ostrich"),
    ],
)
def test_misspelling_suggests_the_right_name(misspelling, suggestion):
    with pytest.raises(ValueError, match="did you mean") as error:
        find_class(misspelling)
    assert suggestion in str(error.value)


def test_unknown_name_says_how_to_search():
    with pytest.raises(ValueError, match="--list-classes"):
        find_class("xyzzy")


@pytest.mark.parametrize("bad", [1000, -1, "1000", 12.5, None, True, ""])
def test_bad_classes_are_clear_errors(bad):
    with pytest.raises(ValueError):
        find_class(bad)


def test_ids_are_checked_against_the_model_size():
    assert find_class(9, num_classes=10) == 9
    with pytest.raises(ValueError, match="ids go from 0 to 9"):
        find_class("golden retriever", num_classes=10)


def test_names_cover_all_classes():
    names = imagenet_classes.class_names()
    assert len(names) == 1000
    assert names[207] == class_name(207) == "golden retriever"
    assert names[8] == "hen"
    assert describe_class(134) == "134 crane (crane bird)"
    assert describe_class(8) == "8 hen"  # no bracket when the clean name says nothing new


def test_search_classes():
    assert search_classes("elephant") == [385, 386]
    assert search_classes("retriev") == [205, 206, 207, 208, 209]
    assert search_classes("") == list(range(1000))
    assert search_classes("xyzzy") == []
