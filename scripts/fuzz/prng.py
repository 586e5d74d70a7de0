"""SplitMix64: a tiny deterministic generator, the same on every Python version (random.Random's helpers are not
guaranteed to be), so `--seed S --index I` always rebuilds the same input. Plus the generic mutations every
generator can apply to its seeds: bit flips, truncation, duplicated chunks and splices between two seeds."""

MASK = (1 << 64) - 1
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        """0 ≤ value < n (n ≥ 1); the tiny modulo bias does not matter here."""
        return self.next() % n

    def between(self, low, high):
        """low ≤ value ≤ high."""
        return low + self.below(high - low + 1)

    def chance(self, numerator, denominator):
        return self.below(denominator) < numerator

    def choice(self, items):
        return items[self.below(len(items))]

    def token(self, length, alphabet=ALNUM):
        return "".join(alphabet[self.below(len(alphabet))] for _ in range(length))

    def bytes(self, length):
        return bytes(self.below(256) for _ in range(length))

    def fork(self, salt):
        """An independent stream for one part of an input, so adding a part does not shift the others."""
        return SplitMix64(self.next() ^ (salt * 0x9E3779B97F4A7C15 & MASK))


def case_rng(seed, index):
    """The generator of input `index` of a run with `seed`: inputs are independent of each other and of order."""
    return SplitMix64(SplitMix64(seed).next() ^ ((index + 1) * 0xD1B54A32D192ED03 & MASK))


# --- Generic mutations ---------------------------------------------------------------------------------------

def flip_bits(rng, data, count):
    data = bytearray(data)
    for _ in range(count if data else 0):
        position = rng.below(len(data))
        data[position] ^= 1 << rng.below(8)
    return bytes(data)


def truncate(rng, data):
    return data[: rng.below(len(data) + 1)]


def duplicate_chunk(rng, data, max_copies=8):
    if not data:
        return data
    start = rng.below(len(data))
    end = min(len(data), start + rng.between(1, 512))
    chunk = data[start:end]
    return data[:end] + chunk * rng.between(1, max_copies) + data[end:]


def splice(rng, data, other):
    """The start of one seed followed by the end of another."""
    if not data or not other:
        return data + other
    return data[: rng.below(len(data) + 1)] + other[rng.below(len(other) + 1):]


def insert_bytes(rng, data, junk):
    position = rng.below(len(data) + 1)
    return data[:position] + junk + data[position:]


def mutate(rng, data, others=()):
    """One to three generic mutations of `data`; `others` are seeds of the same kind to splice with."""
    for _ in range(rng.between(1, 3)):
        which = rng.below(5 if others else 4)
        if which == 0:
            data = flip_bits(rng, data, rng.between(1, 16))
        elif which == 1:
            data = truncate(rng, data)
        elif which == 2:
            data = duplicate_chunk(rng, data)
        elif which == 3:
            data = insert_bytes(rng, data, rng.choice([b"\x00", b"\x1b[2J\x1b[H", b"\r", b"\\\n", b"${", b"\xff\xfe", b"\t" * 64]))
        else:
            data = splice(rng, data, rng.choice(others))
    return data


def size(rng, quick, options):
    """One of `options` (smallest first); the quick run in the test suite keeps to the two smallest."""
    return rng.choice(options[:2] if quick else options)
