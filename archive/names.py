"""People and bodies as author lines print them: names split, family names found, roles and
institutions told apart."""

from __future__ import annotations

import re
import unicodedata

from .models import Author

# Common East Asian family names: a romanised name that starts with one is written family first.
EAST_ASIAN_FAMILY_NAMES = frozenset(
    """
    an bai cai cao chang chen cheng chiang chou chu chung cui dai deng ding dong du duan fan
    fang feng fu gao ge gong gu guo han hao he hong hou hu hua huang ji jia jiang jin kang kong
    lai lan lei li liang liao lin liu long lu luo lyu ma mao meng pan pang peng qian qiao qin qiu
    ren shao shen shi song su sun tan tang tao tian wan wang wei wen wu xia xiao xie xin xiong xu
    xue yan yang yao ye yi yin yu yuan zeng zhang zhao zheng zhong zhou zhu zou
    """.split()
)


ACRONYMS = frozenset(
    "US U.S. UK EU UN ASEAN DPRK ROK PRC ROC NATO SCO CICA APEC WTO G20 G7 PLA LNG INF 5G".split()
)


SMALL_WORDS = frozenset("a an and as at but by for from in into of on or the to via vs with".split())


# Words in an author list that are not people: the list is cut short, or names a role.
NOT_AUTHORS = frozenset(
    "et al|et al.|et. al.|and others|others|and colleagues|staff|editors|the editors|editorial staff|"
    "editorial board|admin|administrator|guest author|guest".split("|")
)


ET_AL = frozenset({"et al", "et al.", "et. al.", "and others", "others", "and colleagues"})


ROLE_WORDS = frozenset(
    """fellow director editor editors professor technologist correspondent reporter writer columnist
    analyst researcher scientist lecturer chair president manager officer contributor contributing
    staff senior associate assistant deputy chief head intern visiting adjunct research policy
    program programme managing executive founding guest special foreign national political
    investigative""".split()
)


# Words of a job written after a name and a comma, besides ROLE_WORDS
JOB_WORDS = frozenset(
    """ambassador engineer developer maintainer advocate evangelist founder cofounder co-founder ceo
    cto coo cfo lead member student team designer architect consultant partner owner""".split()
)


BY = re.compile(r"^\s*(?:written\s+|posted\s+|reported\s+)?by\s+", re.IGNORECASE)


ADDRESS = re.compile(r"^(?:https?://|www\.|\S+@\S+\.\w+$)", re.IGNORECASE)


# Words that make a name an institution's (kept whole: never split into family and given names).
INSTITUTION_WORDS = frozenset(
    """office department ministry institute institution council committee agency center centre
    university college commission bureau association foundation service administration group team
    organization organisation corporation company inc ltd llc society board secretariat staff
    government parliament congress senate program programme project network forum press news""".split()
)


def smart_title(text: str) -> str:
    """Title case for ALL-CAPS header lines, keeping acronyms and small words."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        bare = word.strip("“”\"'()[],:;")
        if bare.upper() in ACRONYMS or bare.upper() in {f"{a}-" for a in ACRONYMS}:
            out.append(word)
        elif i and bare.lower() in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(_capitalize(part) for part in word.split("-")))
    return " ".join(out)


# Words of a capitals line that stay in capitals: Roman numerals (II. Basics), words with
# digits (G20, COVID-19) and words without a vowel (Y counts as one: WHY, RHYTHM), which are read
# letter by letter (NLP, PDF)
KEPT_CAPITALS = re.compile(
    r"^(?:(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})\.?|[A-Z]*\d[A-Z\d]*|[B-DF-HJ-NP-TV-XZ]{2,})$"
)


def _capitalize(part: str) -> str:
    bare = part.strip("“”\"'()[],:;.")
    if part.upper() in ACRONYMS or (bare.isupper() and KEPT_CAPITALS.match(bare + "." * part.endswith("."))):
        return part.upper()
    lead = len(part) - len(part.lstrip("“”\"'(["))
    return part[:lead] + part[lead:].capitalize()


def is_all_caps(text: str) -> bool:
    """Words in capitals: all capitals, a word of three letters or more, and more letters than
    other characters ('U0 ⊆ U.' or 'P 7→ LP ∩ H' in a formula is not a heading shouting)."""
    if not text.isupper():  # str.isupper is fast and checks the rest
        return False
    letters = sum(1 for c in text if c.isalpha())
    # str.isupper() holds for Chinese text with one capital word in it ("转向 AI？"): every letter
    # must be a capital, none a letter without case
    capitals = sum(1 for c in text if c.isupper())
    others = sum(1 for c in text if not c.isalpha() and not c.isspace())
    stripped = text.strip()
    if stripped.startswith("(") and stripped.endswith(")"):  # "(TIFF)", a file's kind: no heading
        return False
    return capitals == letters and letters > others and re.search(r"[^\W\d_]{3}", text) is not None


# Markup authors write into a name field: [Jane Doe](https://…), <a href="…">Jane Doe</a>
MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\))?[^()\s]*\)")
TAG = re.compile(r"<[^<>]*>")
TRAILING_AFFILIATION = re.compile(r"\s+\([^()]*\)$")  # "Mike Dame (Google)"


def plain_names(text: str) -> str:
    """An author line without the links and tags written into it."""
    return TAG.sub("", MARKDOWN_LINK.sub(r"\1", text))


def _role_after_comma(name: str) -> tuple[str, str] | None:
    """(name, role) for "Full Name, Their Role": a name of two words or more before the comma,
    a job's word after it (which "Family, Given" never has)."""
    before, after = (part.strip() for part in name.split(",", 1))
    words = set(re.split(r"[\s-]+", after.lower()))
    if len(before.split()) >= 2 and words & (ROLE_WORDS | JOB_WORDS):
        return before, after
    return None


def author_from_name(name: str, affiliation: str | None = None) -> Author:
    """An Author from a printed name, detecting family-name-first East Asian names."""
    name = " ".join(plain_names(name).split()).strip(" ,")
    if (found := TRAILING_AFFILIATION.search(name)) and found.start() > 0:
        affiliation = affiliation or found[0].strip(" ()")
        name = name[: found.start()]
    if name.isupper():
        name = " ".join(_capitalize(p) for p in name.split())
    if is_institution(name):
        return Author(name=name, affiliation=affiliation, literal=True)
    if "," in name and (titled := _role_after_comma(name)):  # "Bezaleel Silva, Linkerd Ambassador"
        name, affiliation = titled[0], affiliation or titled[1]
    if "," in name:  # "Family, Given"
        family, given = (part.strip() for part in name.split(",", 1))
        return Author(name=f"{given} {family}", family=family, given=given, affiliation=affiliation)
    parts = name.split()
    if len(parts) == 1:
        return Author(name=name, family=name, affiliation=affiliation)
    if (
        len(parts) in (2, 3)
        and parts[0].lower() in EAST_ASIAN_FAMILY_NAMES
        and parts[-1].lower() not in EAST_ASIAN_FAMILY_NAMES
        and not any(p.endswith(".") for p in parts)
    ):
        given = " ".join(parts[1:])
        return Author(name, parts[0], given, affiliation, family_first=True)
    family_start = len(parts) - 1
    while family_start > 1 and parts[family_start - 1].lower() in {
        "van",
        "von",
        "de",
        "der",
        "da",
        "del",
        "la",
        "le",
    }:
        family_start -= 1
    family = " ".join(parts[family_start:])
    if family.lower().rstrip(".") in {"jr", "sr", "ii", "iii"} and family_start > 1:
        family = f"{parts[family_start - 1]} {family}"
        family_start -= 1
    return Author(name, family, " ".join(parts[:family_start]), affiliation)


def is_institution(name: str) -> bool:
    """'Office of the Secretary of Defense', 'RAND Corporation': a body, not a person."""
    words = [w.strip(".,()").lower() for w in name.split()]
    return len(words) >= 2 and bool(INSTITUTION_WORDS.intersection(words))


def split_names(text: str) -> list[str]:
    """'A, B and C' / 'A and B' / 'A & B' -> names ('Family, Given' pairs kept together: alone,
    or in a list separated by semicolons, as 'Smith, John; Doe, Jane')."""
    text = plain_names(text)
    semicolons = ";" in text
    text = re.sub(r"\s+(?:and|&)\s+(?!others\b|colleagues\b)", "; ", text.strip())
    text = re.sub(r",?\s+(et\.? al\.?|and others|and colleagues)\s*$", r"; \1", text)
    parts = [n.strip() for n in re.split(r";", text) if n.strip()]
    names: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        # "Nguyen, Linh" is one name; "Jane Doe, John Roe" two.
        if (
            len(pieces) == 2
            and len(pieces[1].split()) <= 2
            and (len(parts) == 1 or semicolons)
            and is_family_name(pieces[0])
        ):
            names.append(part)
        else:
            names.extend(pieces)
    return names


def is_family_name(text: str) -> bool:
    """'Nguyen', 'Smith-Jones', 'de la Cruz', 'van der Berg': one word, or particles written in
    lower case before it (a given name and a family name, 'Jane Doe', are not)."""
    words = text.split()
    return bool(words) and all(w.islower() for w in words[:-1])


# Degrees written after a name ("Brenda Goodman, MA"), which a list split at its commas leaves
# at the start of the next entry
CREDENTIAL = re.compile(r"^(?:MA|MD|PhD|Ph\.D\.?|MS|MSc|MPH|RN|JD|MBA|DDS|DPhil|BA|BSc|LLM|Esq\.?)(?:\s+|$)")
TRAILING_NUMBERS = re.compile(r"(?:\s+\d+)+$")  # "Lucas Nolan 22": a date's day run into the name


def names_and_et_al(text: str) -> tuple[list[str], bool]:
    """The people named in an author line, and whether the line says it is cut short."""
    names = [TRAILING_NUMBERS.sub("", CREDENTIAL.sub("", BY.sub("", n))) for n in split_names(text)]
    names = [name for name in names if name.strip()]
    if len(names) > 1 and is_institution(names[0]) and all(len(n.split()) == 1 for n in names[1:]):
        # "Center for Regulation, Policy and Governance": one institution, its name a list
        return [BY.sub("", " ".join(text.split())).strip(" ,;")], False
    truncated = any(not_a_name(n) == "et al" for n in names)
    # "Jane Doe, Senior Fellow, Brookings Institution": after a person, a job or an institution
    # is what they are, not another author; and so is everything after it.
    kept: list[str] = []
    for name in names:
        why = not_a_name(name)
        if kept and (why == "role" or is_institution(name)):
            break
        if not why:
            kept.append(name)
    return kept, truncated


def not_a_name(text: str) -> str | None:
    """Why an entry of an author list is no author: "et al" (the list is cut short), "role"
    ("Staff", "Senior Fellow", "The Editors") or "address" (a URL or an e-mail)."""
    squashed = re.sub(r"[\s.]+", " ", text.lower()).strip()
    if squashed.replace(" ", "") in ("etal", "andothers", "others", "andcolleagues"):
        return "et al"
    if squashed in NOT_AUTHORS or squashed.rstrip(" .") in NOT_AUTHORS or is_role(text):
        return "role"
    if ADDRESS.match(text.strip()):
        return "address"
    return None


def is_role(text: str) -> bool:
    """'Senior Staff Technologist', 'Contributing Editor', 'Staff Writer': a job title (every
    word a job's), not a name ('Chief Justice John Roberts' is a name)."""
    words = [w.strip(".,()").lower() for w in text.split()]
    words = [w for w in words if w and w not in SMALL_WORDS]
    return bool(words) and all(w in ROLE_WORDS for w in words)


def name_key(author: Author) -> frozenset[str]:
    """The same person however written: 'Nguyen, Linh' = 'Linh Nguyen' = 'LINH NGUYEN'."""
    folded = unicodedata.normalize("NFKD", author.name.lower())
    return frozenset(re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c))))


def unique_authors(authors: list[Author]) -> list[Author]:
    """Authors without repeats, the first (most precise) spelling kept."""
    seen: set[frozenset[str]] = set()
    kept = []
    for author in authors:
        key = name_key(author)
        if key and key not in seen:
            seen.add(key)
            kept.append(author)
    return kept


def csl_person(author: Author) -> dict:
    """An Author as a CSL name object."""
    if author.literal or not author.family:
        return {"literal": author.name}
    person = {"family": author.family}
    if author.given:
        person["given"] = author.given
    if author.family_first:
        person["static-ordering"] = True
    return person
