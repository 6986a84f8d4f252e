"""About two thousand made-up contacts, the same on every run (a seeded random)."""
import hashlib
import random

FIRST = ("Ada", "Grace", "Alan", "Hedy", "Linus", "Margaret", "Tim", "Barbara", "Dennis",
         "Radia", "Ken", "Frances", "Edsger", "Katherine", "John", "Sophie", "Yukihiro",
         "Guido", "Anita", "Donald", "Lucía", "Mateo", "Chloé", "Hugo", "Lena", "Jonas",
         "Aiko", "Haruto", "Priya", "Arjun", "Amara", "Kwame", "Zoe", "Noah")
LAST = ("Lovelace", "Hopper", "Turing", "Lamarr", "Torvalds", "Hamilton", "Berners-Lee",
        "Liskov", "Ritchie", "Perlman", "Thompson", "Allen", "Dijkstra", "Johnson", "McCarthy",
        "Wilson", "Matsumoto", "van Rossum", "Borg", "Knuth", "García", "Martin", "Dubois",
        "Schmidt", "Müller", "Sato", "Suzuki", "Sharma", "Patel", "Okafor", "Mensah")
# (time zone, locale, phone country prefix, city): at least six zones, several locales.
PLACES = (
    ("America/New_York", "en-US", "+1212555", "New York"),
    ("America/Los_Angeles", "en-US", "+1415555", "San Francisco"),
    ("Europe/London", "en-GB", "+447700900", "London"),
    ("Europe/Paris", "fr-FR", "+3361234", "Paris"),
    ("Europe/Berlin", "de-DE", "+4915112", "Berlin"),
    ("Asia/Tokyo", "ja-JP", "+8190123", "Tokyo"),
    ("Asia/Kolkata", "en-IN", "+9198765", "Bengaluru"),
    ("America/Sao_Paulo", "pt-BR", "+5511987", "São Paulo"),
    ("Australia/Sydney", "en-AU", "+6141234", "Sydney"),
)
PLANS = ("free", "free", "free", "pro", "pro", "team")
TAGS = ("newsletter", "vip", "beta", "trial", "churn-risk", "early-adopter")
PLATFORMS = ("ios", "android", "web")
COUNT = 2000


def _phone(prefix: str, n: int) -> str:
    return prefix + str(n).zfill(15 - len(prefix))[-(15 - len(prefix)):]


def people(count: int = COUNT, seed: int = 18) -> list[dict]:
    """Contacts as upsert_contacts takes them, each with `devices`: [(platform, token)]."""
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        zone, locale, prefix, city = rng.choice(PLACES)
        handle = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        ascii_handle = handle.encode("ascii", "ignore").decode()
        tags = sorted(rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))))
        platforms = [p for p in PLATFORMS if rng.random() < (0.55, 0.45, 0.2)[PLATFORMS.index(p)]]
        rows.append({
            "external_id": f"demo-{n:05d}",
            "email": f"{ascii_handle}.{n}@example.com" if rng.random() < 0.92 else None,
            "phone": _phone(prefix, n * 7919 % 10**6) if rng.random() < 0.7 else None,
            "locale": locale,
            "timezone": zone,
            "tags": tags,
            "attributes": {
                "first_name": first, "last_name": last, "city": city,
                "plan": rng.choice(PLANS), "orders": rng.randint(0, 40),
                "lifetime_value": round(rng.uniform(0, 2500), 2),
                "signup": f"202{rng.randint(3, 6)}-{rng.randint(1, 12):02d}-"
                          f"{rng.randint(1, 28):02d}",
            },
            "devices": [(p, _token(p, n)) for p in platforms],
        })
    return rows


def _token(platform: str, n: int) -> str:
    if platform == "ios":  # APNs tokens are 64 hex digits
        return hashlib.sha256(f"demo-ios-{n}".encode()).hexdigest()
    return f"demo-{platform}-{n:05d}"  # FCM tokens; a web token names its subscription
