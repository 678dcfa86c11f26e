"""Drug classes of the gastroenterology, cardiology, psychiatry and endocrinology trials the
reader left manual as "no computable concept" (issue 12, round 13), read on both sides of
the one vocabulary: the registry item and the clinic-note sentence.

Aminosalicylates (5-ASA), thiopurines, vitamin K antagonists, serotonin-norepinephrine
reuptake inhibitors, lipid-lowering therapy (statins, ezetimibe, fibrates, PCSK9
antibodies), hypnotics ("sleeping pills"), antithyroid drugs and thyroid hormone, each with
its ATC group and its members with their ATC codes; theophylline and acetylcysteine alone.
A word naming no drug taken ("thyroid hormone levels", "thiopurine methyltransferase") is
not the drug. Every sentence is written for this file.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion
from matcher.model import Status
from matcher.nlp.vocab import load_vocabulary
from tests.parse_support import decided

CLASSES = [
    ("class.aminosalicylate", "ATC:A07EC", ["drug.mesalazine", "drug.sulfasalazine"]),
    # no ATC group holds them all: azathioprine is L04AX01, mercaptopurine L01BB02
    ("class.thiopurine", None, ["drug.azathioprine", "drug.mercaptopurine",
                                "drug.thioguanine"]),
    ("class.vka", "ATC:B01AA", ["drug.warfarin", "drug.acenocoumarol", "drug.phenprocoumon"]),
    # ATC files the SNRIs among "other antidepressants" (N06AX) with mirtazapine and bupropion
    ("class.snri", None, ["drug.venlafaxine", "drug.duloxetine", "drug.desvenlafaxine"]),
    ("class.lipid_lowering", "ATC:C10", ["drug.atorvastatin", "drug.ezetimibe",
                                         "drug.fenofibrate", "drug.evolocumab"]),
    ("class.hypnotic", "ATC:N05C", ["drug.zolpidem", "drug.zopiclone"]),
    ("class.antithyroid", "ATC:H03B", ["drug.methimazole", "drug.carbimazole",
                                       "drug.propylthiouracil"]),
    ("class.thyroid_hormone", "ATC:H03A", ["drug.levothyroxine", "drug.liothyronine"]),
]


@pytest.mark.parametrize(("cls", "code", "some"), CLASSES, ids=[c[0] for c in CLASSES])
def test_a_drug_class_is_coded_and_its_members_too(
    cls: str, code: str | None, some: list[str]
) -> None:
    vocab = load_vocabulary()
    assert vocab[cls].code == code
    members = set(vocab.expand(cls))
    assert set(some) <= members
    for member in members:
        assert vocab[member].code, member


DRUG_ITEMS: list[tuple[str, str, int | None]] = [
    ("Use of 5-aminosalicylates within 4 weeks before randomization", "class.aminosalicylate",
     28),
    ("Oral mesalamine at a stable dose", "drug.mesalazine", None),
    ("Prior treatment with thiopurines", "class.thiopurine", None),
    ("6-mercaptopurine within the past 3 months", "drug.mercaptopurine", 91),
    ("Current treatment with vitamin K antagonists", "class.vka", 90),
    ("Use of SNRIs within 2 weeks", "class.snri", 14),
    ("Current lipid-lowering therapy", "class.lipid_lowering", 90),
    ("Treatment with ezetimibe in the last 3 months", "drug.ezetimibe", 91),
    ("Regular use of hypnotics", "class.hypnotic", None),
    ("Currently taking antithyroid drugs", "class.antithyroid", 90),
    ("Current thyroid hormone replacement therapy", "class.thyroid_hormone", 90),
    ("Current use of theophylline", "drug.theophylline", 90),
    ("N-acetylcysteine within 7 days prior to enrolment", "drug.acetylcysteine", 7),
]


@pytest.mark.parametrize(("text", "concept", "window"), DRUG_ITEMS,
                         ids=[d[0] for d in DRUG_ITEMS])
def test_a_drug_class_item_is_read_as_its_drugs(
    text: str, concept: str, window: int | None
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    vocab = load_vocabulary()
    assert set(criterion.params["drugs"]) == set(vocab.expand(concept))
    if window is not None:
        assert criterion.params["window_days"] == window


@pytest.mark.parametrize("text", [
    "Thyroid hormone levels outside the normal range",
    "Known thiopurine methyltransferase deficiency",
])
def test_a_word_naming_no_drug_taken_is_not_the_drug(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert not set(criterion.params.get("drugs", [])) & {
        "drug.levothyroxine", "drug.azathioprine", "drug.mercaptopurine"}


DRUG_NOTES: list[tuple[str, str, Status]] = [
    ("Current treatment with vitamin K antagonists", "Warfarin 5 mg daily, INR 2.4.",
     Status.MET),
    ("Current lipid-lowering therapy", "Rosuvastatin 10 mg nightly and ezetimibe 10 mg.",
     Status.MET),
    ("Currently taking antithyroid drugs", "Carbimazole 20 mg daily for Graves' disease.",
     Status.MET),
    ("Current thyroid hormone replacement therapy", "Levothyroxine 100 mcg daily.",
     Status.MET),
    ("Use of 5-aminosalicylates within 4 weeks before randomization",
     "Mesalazine 2.4 g daily for ulcerative colitis.", Status.MET),
]


@pytest.mark.parametrize(("item", "sentence", "status"), DRUG_NOTES,
                         ids=[f"{d[0]}-{d[1]}" for d in DRUG_NOTES])
def test_a_note_with_a_member_drug_decides_the_class_item(
    item: str, sentence: str, status: Status
) -> None:
    assert decided("exclusion", item, sentence) is status
