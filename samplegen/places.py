"""Where the sample lives and where its people's NIKs were first issued.

Region codes are Kemendagri's (Kepmendagri 300.2.2-2138/2025 as published in
the MIT-licensed ``cahyadsn/wilayah`` dataset; docs/domain.md "Place"), not BPS's:
Kemendagri 3174 is Jakarta Selatan, BPS 3174 is Jakarta Barat. python-stdnum's
own table carries BPS names, so place names here come from Kemendagri only.

The RW/RT layout, the street names and every count are synthetic: no official
counts of residents, households, RW and RT for Tanjung Barat were found.
"""
#: Kelurahan Tanjung Barat, Kec. Jagakarsa, Kota Adm. Jakarta Selatan.
VILLAGE_CODE = "3174091005"
#: Kecamatan Jagakarsa: where most residents' NIKs and every family card were issued.
JAGAKARSA = "317409"

#: Other Jakarta districts (residents who moved within Jakarta keep that NIK).
#: Jakarta Selatan 3174.01-10 (Jagakarsa excluded), Pusat 3171.01-08,
#: Utara 3172.01-06, Barat 3173.01-08, Timur 3175.01-10.
JAKARTA_OTHER = ([("3174%02d" % d, "Jakarta") for d in range(1, 11) if d != 9]
                 + [("3171%02d" % d, "Jakarta") for d in range(1, 9)]
                 + [("3172%02d" % d, "Jakarta") for d in range(1, 7)]
                 + [("3173%02d" % d, "Jakarta") for d in range(1, 9)]
                 + [("3175%02d" % d, "Jakarta") for d in range(1, 11)])

# (Kemendagri regency code, place of birth as written on a KK, districts to
# draw from). The district count is kept at or below the real number, so a
# drawn 6-digit code is one that exists.
_R = {
    "bogor": ("3201", "Bogor", 30), "kota_bogor": ("3271", "Bogor", 6),
    "sukabumi": ("3202", "Sukabumi", 30), "cianjur": ("3203", "Cianjur", 30),
    "bandung": ("3204", "Bandung", 30), "garut": ("3205", "Garut", 30),
    "tasikmalaya": ("3206", "Tasikmalaya", 30), "ciamis": ("3207", "Ciamis", 20),
    "kuningan": ("3208", "Kuningan", 30), "cirebon": ("3209", "Cirebon", 30),
    "indramayu": ("3212", "Indramayu", 30), "bekasi": ("3216", "Bekasi", 20),
    "kota_bandung": ("3273", "Bandung", 30), "kota_bekasi": ("3275", "Bekasi", 12),
    "depok": ("3276", "Depok", 11),
    "cilacap": ("3301", "Cilacap", 24), "banyumas": ("3302", "Banyumas", 27),
    "kebumen": ("3305", "Kebumen", 26), "purworejo": ("3306", "Purworejo", 16),
    "boyolali": ("3309", "Boyolali", 19), "klaten": ("3310", "Klaten", 26),
    "wonogiri": ("3312", "Wonogiri", 25), "pemalang": ("3327", "Pemalang", 14),
    "tegal": ("3328", "Tegal", 18), "brebes": ("3329", "Brebes", 17),
    "solo": ("3372", "Surakarta", 5), "semarang": ("3374", "Semarang", 16),
    "bantul": ("3402", "Bantul", 17), "sleman": ("3404", "Sleman", 17),
    "yogyakarta": ("3471", "Yogyakarta", 14),
    "malang": ("3507", "Malang", 33), "jember": ("3509", "Jember", 31),
    "surabaya": ("3578", "Surabaya", 31),
    "tangerang": ("3603", "Tangerang", 29), "kota_tangerang": ("3671", "Tangerang", 13),
    "tangsel": ("3674", "Tangerang Selatan", 7),
    "padang": ("1371", "Padang", 11), "bukittinggi": ("1375", "Bukittinggi", 3),
    "tanah_datar": ("1304", "Tanah Datar", 14), "agam": ("1306", "Agam", 16),
    "pariaman": ("1305", "Padang Pariaman", 17),
    "medan": ("1271", "Medan", 21), "siantar": ("1272", "Pematangsiantar", 8),
    "taput": ("1202", "Tarutung", 15), "toba": ("1212", "Balige", 16),
    "samosir": ("1217", "Pangururan", 9),
    "pontianak": ("6171", "Pontianak", 6), "singkawang": ("6172", "Singkawang", 5),
    "manado": ("7171", "Manado", 11), "ambon": ("8171", "Ambon", 5),
    "kupang": ("5371", "Kupang", 6), "makassar": ("7371", "Makassar", 15),
    "bone": ("7308", "Bone", 27), "denpasar": ("5171", "Denpasar", 4),
    "gianyar": ("5104", "Gianyar", 7), "tabanan": ("5102", "Tabanan", 10),
    "palembang": ("1671", "Palembang", 18), "lampung": ("1871", "Bandar Lampung", 20),
}

#: Regions a family of each ethnicity most likely came from.
ORIGINS = {
    "betawi": ["bekasi", "kota_bekasi", "depok", "tangerang", "kota_tangerang", "tangsel",
               "bogor"],
    "javanese": ["brebes", "tegal", "pemalang", "cilacap", "banyumas", "kebumen", "purworejo",
                 "klaten", "wonogiri", "boyolali", "solo", "semarang", "bantul", "sleman",
                 "yogyakarta", "malang", "jember", "surabaya", "lampung"],
    "sundanese": ["bogor", "kota_bogor", "sukabumi", "cianjur", "bandung", "kota_bandung",
                  "garut", "tasikmalaya", "ciamis", "kuningan", "cirebon", "indramayu"],
    "minang": ["padang", "bukittinggi", "tanah_datar", "agam", "pariaman"],
    "batak": ["medan", "siantar", "taput", "toba", "samosir"],
    "chinese": ["medan", "pontianak", "singkawang", "kota_bandung", "semarang", "palembang"],
    "eastern": ["manado", "ambon", "kupang"],
    "bugis": ["makassar", "bone"],
    "balinese": ["denpasar", "gianyar", "tabanan"],
}


def origin(rng, ethnicity):
    """Pick where a migrant of ``ethnicity`` came from: ``(district6, birth_place)``."""
    code, place, districts = _R[rng.choice(ORIGINS[ethnicity])]
    return "%s%02d" % (code, rng.randint(1, districts)), place


def jakarta_elsewhere(rng):
    """A Jakarta district other than Jagakarsa: ``(district6, "Jakarta")``."""
    return rng.choice(JAKARTA_OTHER)


def all_region_codes():
    """Every 4-digit regency code this module can put in a NIK (for tests)."""
    return sorted({c for c, _, _ in _R.values()} | {c[:4] for c, _ in JAKARTA_OTHER} | {"3174"})


# Street stems: generic Jakarta kampung and kompleks names (synthetic).
_KAMPUNG = ["Gg. Masjid", "Gg. Mushola", "Gg. Kelapa", "Gg. Haji Saiman", "Gg. Sawo",
            "Gg. Rambutan", "Gg. Langgar", "Gg. Bacang", "Gg. Duku", "Gg. Nangka",
            "Gg. Swadaya", "Gg. Kramat", "Gg. Pala", "Gg. Waru", "Gg. Jambu", "Gg. Salak",
            "Gg. Haji Dul", "Gg. Melinjo", "Gg. Asem", "Gg. Belimbing"]
_JALAN = ["Jl. Raya Tanjung Barat", "Jl. Gardu", "Jl. Haji Ipin", "Jl. Kebon Kopi",
          "Jl. Kampung Kandang", "Jl. Haji Muchtar", "Jl. Setu", "Jl. Mawar", "Jl. Kenanga",
          "Jl. Cempaka", "Jl. Melati", "Jl. Anggrek", "Jl. Flamboyan", "Jl. Delima",
          "Jl. Bhakti", "Jl. Pelita", "Jl. Sejahtera", "Jl. Persatuan"]
_KOMPLEKS = ["Kompleks Griya Tanjung", "Perumahan Taman Tanjung", "Kompleks Bina Marga",
             "Perumahan Villa Barat", "Kompleks Pertamina", "Perumahan Puri Jagakarsa"]

#: RW profiles and their share: kampung (denser, poorer), mixed, kompleks (housing estate).
PROFILES = (("kampung", 5), ("mixed", 4), ("kompleks", 2))


def layout(rng):
    """Draw the kelurahan's RWs: 10-12 RW of 10-15 RT each, with streets and a profile.

    Returns list[dict]: ``{"rw": "001", "rts": ["001", ...], "profile": str,
    "streets": [str, ...]}``.
    """
    n_rw = rng.randint(10, 12)
    profiles = [p for p, w in PROFILES for _ in range(w)]
    rng.shuffle(profiles)
    kampung, jalan, kompleks = list(_KAMPUNG), list(_JALAN), list(_KOMPLEKS)
    rng.shuffle(kampung)
    rng.shuffle(jalan)
    rng.shuffle(kompleks)
    rws = []
    for i in range(n_rw):
        profile = profiles[i % len(profiles)]
        streets = [jalan.pop() if jalan else "Jl. Tanjung Barat %d" % i]
        if profile == "kompleks" and kompleks:
            streets = [kompleks.pop()] + streets
        else:
            streets += [kampung.pop() for _ in range(2) if kampung]
        rws.append({"rw": "%03d" % (i + 1),
                    "rts": ["%03d" % (j + 1) for j in range(rng.randint(10, 15))],
                    "profile": profile, "streets": streets})
    return rws


def address(rng, street, profile):
    """A house address on ``street``: ``"Gg. Masjid No. 12"``; kompleks have blocks."""
    if profile == "kompleks" and street.startswith(("Kompleks", "Perumahan")):
        return "%s Blok %s No. %d" % (street, rng.choice("ABCDEFG"), rng.randint(1, 40))
    return "%s No. %d" % (street, rng.randint(1, 120))
