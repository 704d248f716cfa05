#!/usr/bin/env python3
"""A generated catalogue for the benchmark: realistic books, the same ones for the same size and seed.

Titles are made of words drawn with Zipf-like frequencies (a few words are common, most are rare, as in real
titles), authors of first and last names (a few authors write many books), genres are the names of
src/main/resources/dev/quire/books/genres.tsv (fiction more often than the rest), years lean towards the present,
and each book has a description of 10 to 30 words. Everything is ASCII, so a text's key (BookKeys.key: lower case,
accents removed) is its lower case.

bench.py writes it as CSV and loads it with the database's own tools (H2's CSVREAD, PostgreSQL's COPY). Run alone,
it prints the CSV:  python3 bench/catalogue.py --books 1000 > books.csv
"""
import argparse
import collections
import csv
import datetime
import pathlib
import random
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENRES_TSV = ROOT / "src" / "main" / "resources" / "dev" / "quire" / "books" / "genres.tsv"

# Words of titles: nouns and adjectives, no two of one stem (so a word's matches are its own, stemmed or not)
NOUNS = """house garden river night city sea shadow light king queen daughter son mother father winter summer
storm fire stone heart road star moon sun wolf bird island mountain forest letter song dream war child
world empire machine mirror tower station ocean harbor kingdom signal archive voyage desert lantern orchard
bridge secret crown sword ghost widow doctor captain soldier thief spy hunter sister brother friend stranger
traveller teacher painter farmer sailor witch dragon angel devil saint prophet emperor lady lord prince
princess castle village valley field meadow lake well door window room wall gate key map book library clock
bell ship boat train engine wheel iron glass silver gold salt bread wine honey rose lily oak pine apple
orange lemon tiger horse raven fox bear deer whale snake spider butterfly silence memory promise journey
return escape fall rise end beginning edge border frontier country nation republic revolution colony
planet galaxy universe comet orbit rocket robot android circuit code cipher puzzle riddle game chess card
dice coin ring necklace crystal pearl diamond feather bone blood skin hand eye voice word name story tale
legend myth history chronicle testament gospel prayer hymn poem verse music dance theatre carnival circus
market harvest feast hunger thirst fever plague cure medicine poison weapon bullet arrow shield armour
banner flag anchor compass lighthouse cathedral temple chapel tomb grave ruin cellar attic kitchen parlour
factory mill mine quarry canal harbour pier beach cliff cave tunnel labyrinth maze desert oasis jungle
swamp marsh tundra glacier volcano earthquake flood drought wind rain snow ice thunder lightning cloud
dawn dusk midnight noon morning evening autumn spring season year century hour minute moment""".split()
ADJECTIVES = """silent hidden broken last quiet burning distant golden frozen crimson endless shattered electric
sleeping forgotten hollow secret wandering bright dark wild lost little great old young small long short
deep high low black white red green blue grey scarlet violet pale strange curious beautiful terrible
gentle cruel brave bitter sweet sacred wicked holy lonely ancient modern final first second invisible
impossible unfinished unknown nameless restless fearless careless faithful painted stolen borrowed
buried drowned haunted enchanted crooked narrow wide empty open closed eternal mortal radiant savage
tender fragile iron glass paper velvet wooden stone northern southern eastern western foreign
private public royal common rare perfect""".split()
# Other words of descriptions (stop words are added as they come)
DESCRIPTION_WORDS = """family love death life truth power money friendship betrayal revenge justice freedom
loss grief hope fear courage faith doubt desire ambition loyalty honour shame guilt innocence
survival identity belonging exile home war peace youth age marriage divorce inheritance fortune
ruin success failure secret lie mystery murder crime investigation trial prison escape rescue
quest adventure discovery expedition invasion rebellion uprising conspiracy scandal affair
young woman man girl boy woman old widow orphan detective scientist soldier artist writer
musician heir servant stranger community society generation village town city kingdom empire
planet ship crew colony town must discovers learns finds faces fights flees returns searches
remembers confronts uncovers survives travels struggles decides begins ends changes tells
between against across through after before during beyond within without toward among
dangerous quiet unexpected mysterious powerful ordinary remote ancient future past present
small vast forgotten hidden bitter beautiful terrible secret long brief final first""".split()
STOP_WORDS = ["the", "a", "of", "and", "in", "to", "with", "her", "his", "their", "for", "on", "by"]
FIRST_NAMES = """Ada Alice Amara Anna Arthur Beatrice Ben Carlos Chen Clara Daniel David Diana Elena Eliza Emil
Emma Ethan Fatima Felix Frances George Grace Hannah Hassan Helen Henry Hugo Ines Iris Isaac Ivan James Jane
Jonas Joseph Julia Kai Karen Kenji Laura Leila Leo Lina Lucas Lucy Maria Marcus Margaret Maya Mei Michael
Miriam Nadia Nathan Nina Noah Nora Olga Omar Oscar Paul Pedro Priya Rachel Rafael Ravi Rosa Ruth Samuel
Sara Simon Sofia Sophie Stella Thomas Tobias Ursula Vera Victor Walter Yara Yusuf Zoe Agnes Bruno Cecilia
Dmitri Edith Flora Gustav Harriet Ingrid Jasper Katya Lorenzo Matilda Nikolai Octavia Philippa Quentin""".split()
LAST_NAMES = """Abbott Adler Ahmed Alvarez Anderson Baker Banerjee Barnes Becker Bell Bennett Berg Brandt Brooks
Brown Burke Campbell Carter Castro Chang Clarke Cohen Cole Collins Cooper Cruz Dalton Davies Diaz Dixon
Duarte Dunn Edwards Ellis Evans Fischer Fleming Ford Foster Fox Garcia Gill Gordon Graham Grant Gray Green
Gupta Hall Hansen Harper Harris Hayes Hoffman Holt Hughes Hunt Ibrahim Ito Jackson Jensen Johnson Jones
Kaplan Keller Kelly Khan Kim King Klein Knight Kowalski Kumar Lambert Lang Larsen Lee Lewis Lin Lopez Lund
Marsh Martin Mason Meyer Miller Mitchell Moore Morgan Morris Murphy Nakamura Nash Nelson Novak Nunez Okafor
Olsen Ortiz Owen Park Patel Pearce Perez Peters Petrov Porter Price Quinn Ramos Reed Reyes Richter Rivera
Roberts Rossi Russell Sato Schmidt Scott Shaw Silva Singh Sloane Smith Sousa Stone Sullivan Tanaka Taylor
Thornton Torres Turner Vance Varga Wagner Walker Walsh Ward Watson Weber West White Wilson Wolfe Wood Wright
Yamamoto Young Zhang Zimmerman""".split()
# how often a genre comes, relative to 1 (fiction dominates a general catalogue)
GENRE_WEIGHTS = {"Literary fiction": 8, "Mystery": 6, "Romance": 6, "Science fiction": 5, "Fantasy": 5,
                 "Thriller": 5, "Historical fiction": 4, "Crime": 3, "Young adult": 3, "Biography": 2,
                 "History": 2, "Children's": 2, "Horror": 2}
TITLE_PATTERNS = ["The {a} {n}", "The {n} of the {n}", "{n} of {n}", "{a} {n}", "The {n}", "{n}", "A {n} in the {n}",
                  "{n} and {n}", "The {n}'s {n}", "The {a} {n} of {n}", "{a} {n}s", "The {n} at the {n}'s {n}",
                  "Beyond the {a} {n}", "When the {n} {v}", "Where the {n}s Are"]
VERBS = ["falls", "burns", "sings", "returns", "wakes", "breaks", "ends", "waits", "rises", "sleeps"]
FIRST_YEAR, LAST_YEAR = 1800, 2025


class Zipf:
    """Draws from words with Zipf-Mandelbrot weights 1/(rank + offset): the commonest words dominate (the more, the
    smaller the offset)."""

    def __init__(self, words, rng, offset=2.7):
        self.words = list(dict.fromkeys(words))
        rng.shuffle(self.words)
        self.weights = [1 / (rank + offset) for rank in range(1, len(self.words) + 1)]
        self.cumulative = []
        total = 0.0
        for weight in self.weights:
            total += weight
            self.cumulative.append(total)

    def draw(self, rng):
        return rng.choices(self.words, cum_weights=self.cumulative)[0]


def book_id(n):
    """The id of the catalogue's book n: book_1 and n in 25 digits (the demo catalogue's are book_0...)."""
    return f"book_1{n:025d}"


def genre_names():
    names = []
    for line in GENRES_TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.append(line.split("\t")[1])
    return names


def books(count, seed=42):
    """count books as dicts: id, title, author, year, genre, description, created_at."""
    rng = random.Random(seed)
    nouns, adjectives = Zipf(NOUNS, rng), Zipf(ADJECTIVES, rng)
    # descriptions are longer than titles and their words spread wider: the commonest is in about a fifth of them
    described = Zipf(DESCRIPTION_WORDS + NOUNS + ADJECTIVES, rng, offset=20)
    firsts, lasts = Zipf(FIRST_NAMES, rng), Zipf(LAST_NAMES, rng)
    # a few thousand authors, some of them prolific: each book's author is drawn from them by Zipf too
    authors = Zipf([f"{firsts.draw(rng)} {lasts.draw(rng)}" for _ in range(max(10, count // 20))], rng)
    genres = genre_names()
    genre_weights = [GENRE_WEIGHTS.get(name, 1) for name in genres]
    first_added = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(1, count + 1):
        def fill(match):
            kind = match.group(1)
            return rng.choice(VERBS) if kind == "v" else (nouns if kind == "n" else adjectives).draw(rng).title()

        title = re.sub(r"\{(\w)\}", fill, rng.choice(TITLE_PATTERNS))
        # years lean towards the present: most books in print are recent
        year = LAST_YEAR - int((LAST_YEAR - FIRST_YEAR) * rng.random() ** 2.5)
        words = []
        for _ in range(rng.randint(10, 30)):
            words.append(rng.choice(STOP_WORDS) if rng.random() < 0.3 else described.draw(rng))
        description = " ".join(words).capitalize() + "."
        yield {"id": book_id(n), "title": title, "author": authors.draw(rng),
               "year": year, "genre": rng.choices(genres, weights=genre_weights)[0], "description": description,
               "created_at": first_added + datetime.timedelta(minutes=n)}


def words_of(*texts):
    """The words the search index keeps for texts (BookKeys.words, for ASCII text)."""
    found = []
    for text in texts:
        for word in re.split(r"[^a-z0-9]+", text.lower()):
            if word and word not in found:
                found.append(word)
    return found


BOOK_COLUMNS = ["id", "title", "title_key", "author", "author_key", "publication_year", "genre", "genre_key",
                "created_at", "updated_at", "version", "rating_count", "rating_sum"]
DESCRIPTION_COLUMNS = ["description", "description_key"]


def write_csv(count, books_file, words_file=None, descriptions=True):
    """The books table's rows as CSV with a header (and, for a schema with V5's word table, its rows in
    words_file); returns {word: books whose title, author, genre or description has it}."""
    frequency = collections.Counter()
    columns = BOOK_COLUMNS + (DESCRIPTION_COLUMNS if descriptions else [])
    with open(books_file, "w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(columns)
        words_out = open(words_file, "w", newline="", encoding="utf-8") if words_file else None
        word_rows = csv.writer(words_out) if words_out else None
        if word_rows:
            word_rows.writerow(["word", "book_id"])
        for book in books(count):
            stamp = book["created_at"].strftime("%Y-%m-%d %H:%M:%S+00")
            row = [book["id"], book["title"], book["title"].lower(), book["author"], book["author"].lower(),
                   book["year"], book["genre"], book["genre"].lower(), stamp, stamp, 1, 0, 0]
            if descriptions:
                row += [book["description"], book["description"].lower()]
            rows.writerow(row)
            if word_rows:  # V5: each word of the folded title and author
                for word in words_of(book["title"], book["author"]):
                    word_rows.writerow([word, book["id"]])
            frequency.update(set(words_of(book["title"], book["author"], book["genre"],
                                          book["description"] if descriptions else "")))
        if words_out:
            words_out.close()
    return frequency


def common_word(frequency, count, share=0.03):
    """A title word found in about share of the books (with the words it begins, as a search's last word is a
    prefix), that begins no other word of the vocabulary's titles."""
    best = None
    for word in NOUNS:
        if len(word) < 4 or any(other != word and other.startswith(word) for other in NOUNS + ADJECTIVES):
            continue
        matching = sum(n for other, n in frequency.items() if other.startswith(word))
        if best is None or abs(matching - share * count) < abs(best[1] - share * count):
            best = (word, matching)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=1000)
    args = parser.parse_args()
    out = csv.writer(sys.stdout)
    out.writerow(["id", "title", "author", "year", "genre", "description"])
    for book in books(args.books):
        out.writerow([book[k] for k in ["id", "title", "author", "year", "genre", "description"]])


if __name__ == "__main__":
    main()
