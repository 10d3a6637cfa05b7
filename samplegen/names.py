"""Indonesian personal names by ethnicity, sex, religion and generation.

Every name is assembled from common given names and family names (marga,
Chinese-Indonesian surnames); any resemblance to a real person is chance.
People born from 1995 on get the pan-Indonesian names of their generation.
"""
_W = str.split

OLD = {
    "betawi": {
        "M": _W("Mamat Udin Sarmili Jaelani Sanusi Bahrudin Mursid Sueb Rojali Marzuki Saidi "
                "Abdullah Basri Mahmud Namin Rohmat Sapri Jamhari Tohir Ridwan Zakaria Sarip "
                "Nasrudin Jali Husin Anwar Ismail Syamsudin Muhidin Rahmat Sahroni Jamaludin "
                "Madsuki Sarbini Mukhtar Saprudin Nurdin Halimi Damanhuri Rusli Sopian"),
        "F": _W("Maemunah Romlah Juleha Rohaya Saodah Nurhayati Aminah Zubaedah Rukiyah Fatimah "
                "Halimah Marfuah Asmanah Mariam Salamah Saadah Nafisah Hasanah Rohimah Atikah "
                "Masitoh Sarinah Mardiah Rohani Jubaedah Nurjanah Hayati Umamah Khodijah"),
    },
    "javanese": {
        "M": _W("Sutrisno Slamet Joko Bambang Heru Teguh Wahyu Sugeng Supriyadi Sutarno Mulyono "
                "Paijo Suparman Haryanto Sukirman Warsito Darmanto Giyanto Purnomo Eko Budi "
                "Agus Sumarno Triyono Gunadi Sunardi Suwarno Sigit Rudi Bayu Dwi Arif Yudi"),
        "F": _W("Sri Endang Sulastri Suparmi Wahyuni Lestari Suyatmi Tri Sumiyati Puji Rini "
                "Sunarti Kasiyem Painem Wartini Ngatini Sukinah Yuliani Dwi Murni Siti "
                "Sumarni Partini Winarsih Indah Kartini Yuni Ratna Dewi Tutik"),
        # Second names come from a shorter list, as in "Budi Santoso", "Sri Rahayu".
        "M_tail": _W("Santoso Susilo Wibowo Nugroho Prasetyo Widodo Raharjo Setiawan Kuncoro "
                     "Hartono Wahono Priyono Setyo Utomo Purwanto Sulistyo Hidayat Saputro"),
        "F_tail": _W("Lestari Wahyuni Rahayu Handayani Wulandari Setyowati Kusumawati Ningsih "
                     "Sulistyowati Susanti Rahmawati Purwanti Haryati Astuti Pujiastuti"),
    },
    "sundanese": {
        "M": _W("Asep Ujang Cecep Dadang Yayan Dede Iwan Ade Jajang Enjang Cucu Dudung Engkos "
                "Ayi Aep Usep Endang Kurnia Yusuf Rahmat Hendra Wawan Deden Mamat Agus Ruhiyat "
                "Sopandi Sutisna Suherman Nandang Dadan Dedi Maman Hidayat Suryana"),
        "F": _W("Euis Neneng Iis Yeni Imas Lilis Nining Eneng Enok Tati Ai Yoyoh Elis Titin "
                "Nani Ela Ijah Entin Yati Aas Popon Dedeh Rina Siti Nurjanah Komalasari "
                "Kurniasih Rohaeti Sumiati Yuyun Mulyati Nurhasanah Tarsih"),
    },
    "minang": {
        "M": _W("Syafrudin Zulkifli Afrizal Yusrizal Hendri Fauzan Rizal Erizal Yulnasri "
                "Syahrial Darmawan Asrul Nofrizal Irwandi Yunaldi Zulhendri Efendi Masrul"),
        "F": _W("Yusnimar Nurhasanah Rosmaniar Desmawati Yulia Nelly Yusnidar Asnimar Erlina "
                "Nurlela Zuraida Yetti Rosnida Fitrawati Elfi Yanti Ernita Suryani Hasnawati"),
    },
    "bugis": {
        "M": _W("Syamsuddin Arfah Baso Rusdi Mappiasse Amiruddin Jufri Sudirman Hasanuddin"),
        "F": _W("Nurhaedah Hasnah Rahmawati Sitti Hamsinah Nurlina Suriani Megawati"),
    },
}

#: Given names for Christians (Batak, Eastern, Chinese-Indonesian, some Javanese).
CHRISTIAN = {
    "M": _W("Yohanes Markus Petrus Yosef Paulus Stefanus Fransiskus Benny Robert Hotman "
            "Parlindungan Martin Rudi Maruli Jonatan Daniel Albert Frans Herman Simon "
            "Bonar Togar Mangasi Halomoan Rikson Hendrik Sahat Marihot Lamhot"),
    "F": _W("Maria Theresia Yuliana Agnes Rosmawati Lamria Tiurma Hotnida Sondang Ester "
            "Debora Rut Magdalena Elisabet Veronika Monika Christina Lidia Melati Rina "
            "Nurmaida Lasma Romauli Dameria Friska Imelda Sarma Juita"),
}
CHINESE_GIVEN = {
    "M": _W("Hendra Budi Gunawan Kevin Michael Hartono Rudy Susanto Andi Felix Wijaya "
            "Jimmy Steven Anton Yohan Edi Hendrik William Darmawan"),
    "F": _W("Linda Lanny Wenny Stefani Lily Meliana Susanti Yenny Fenny Mei Lan Vivian "
            "Cynthia Lusiana Dewi Melinda Shinta Ivana Juliana"),
}
CHINESE_SURNAMES = _W("Wijaya Halim Salim Gunawan Tanoto Santoso Susanto Kurniawan Lim Tan "
                      "Tanudjaja Hartono Setiawan Chandra Lukito Sutanto Hadinata Tjahjadi")
MARGA_CHRISTIAN = _W("Simanjuntak Hutapea Sitompul Panjaitan Sinaga Situmorang Manurung "
                     "Simatupang Hutagalung Pardede Sihombing Tambunan Silalahi Napitupulu")
MARGA_MUSLIM = _W("Siregar Nasution Lubis Harahap Daulay Rangkuti Pulungan Batubara")
EASTERN_SURNAMES = _W("Lumentut Wenas Rumengan Sondakh Tumbelaka Pattiasina Latuheru "
                      "Tuhumury Sahetapy Bria Nahak Fernandez Da Silva Lewerissa")
BALI_ORDER = ["Wayan", "Made", "Nyoman", "Ketut"]
BALI_GIVEN = _W("Suartana Wirawan Sudarma Artawan Suarsana Darmayasa Sukarini Sriasih "
                "Widiastuti Suryani Astiti Mahendra")

MODERN_MUSLIM = {
    "M": _W("Muhammad Rizky Fajar Dimas Bagas Rafi Naufal Alif Farhan Daffa Arkan Zidan Raka "
            "Aditya Yusuf Ilham Fadil Haikal Reza Galih Bima Rangga Akbar Rafa Azka Kenzo "
            "Faris Hafiz Rayhan Fikri Abdul Arya Dafa Gilang Iqbal Zaky Satria Andika Rizal"),
    "F": _W("Aisyah Nabila Zahra Putri Salsabila Nayla Alya Khansa Keisha Amelia Syifa Anisa "
            "Dinda Cahya Aulia Rahma Fitri Aqila Azzahra Kirana Nadia Citra Intan Safira "
            "Hana Laila Meisya Naura Adinda Rania Tiara Dewi Annisa Sabrina Shafa Farah"),
}
MODERN_MUSLIM_TAIL = {
    "M": _W("Pratama Saputra Ramadhan Firmansyah Hidayat Nugroho Maulana Alfarizi Akbar "
            "Setiawan Kurniawan Hakim Fauzi Rizki Syahputra Prasetyo Aditama Wicaksono "
            "Permana Hermawan Saputro Ibrahim Ardiansyah Nurhadi Prakoso Alamsyah"),
    "F": _W("Putri Ramadhani Azzahra Aulia Safitri Maharani Lestari Anggraini Febriani "
            "Khairunnisa Nurhaliza Rahmawati Oktaviani Puspita Amalia Salsabila Nuraini "
            "Kusuma Pertiwi Septiani Handayani Wulandari Ayuningtyas Larasati Zahira"),
}
MODERN_CHRISTIAN = {
    "M": _W("Kevin Michael Jonathan Samuel Daniel Gabriel Christian Nathan Joshua Felix "
            "Vincent Timothy Evan Ryan Kenneth"),
    "F": _W("Grace Angelica Natalia Cindy Jessica Clara Michelle Gracia Felicia Stefani "
            "Patricia Olivia Abigail Vanessa Celine"),
}
MODERN_TAIL_NEUTRAL = _W("Pratama Putra Wijaya Saputra Setiawan Anugrah Kristian Immanuel")


#: Birth-order and honorific first names that are never a whole name.
NEVER_ALONE = {"Dwi", "Tri", "Sri", "Eko", "Siti", "Muhammad"}


def _modern(rng, sex, christian):
    if christian:
        name = rng.choice(MODERN_CHRISTIAN[sex])
        if rng.random() < 0.6:
            name += " " + rng.choice(MODERN_CHRISTIAN[sex] + MODERN_TAIL_NEUTRAL)
        return " ".join(dict.fromkeys(name.split()))
    first = rng.choice(MODERN_MUSLIM[sex])
    parts = [first]
    if sex == "M" and first != "Muhammad" and rng.random() < 0.25:
        parts.insert(0, "Muhammad")
    for share in (0.92, 0.3):
        if rng.random() < share:
            tail = rng.choice(MODERN_MUSLIM_TAIL[sex])
            if tail not in parts:
                parts.append(tail)
    return " ".join(parts)


def _classic(rng, ethnicity, sex):
    pool = OLD.get(ethnicity, OLD["betawi"])[sex]
    first = rng.choice(pool)
    if ethnicity == "javanese" and first not in NEVER_ALONE and rng.random() < 0.3:
        return first
    if ethnicity == "betawi" and rng.random() < 0.3:
        first = ("Muhammad " if sex == "M" else "Siti ") + first
    if ethnicity == "bugis" and sex == "M" and rng.random() < 0.25:
        return "Andi " + first
    if first in NEVER_ALONE or rng.random() < 0.75:
        second = rng.choice(OLD.get(ethnicity, {}).get(sex + "_tail") or pool)
        while second == first:
            second = rng.choice(pool)
        return first + " " + second
    return first


def given_name(rng, ethnicity, sex, year, religion):
    """A given name (no family name) for someone born in ``year``."""
    christian = religion in ("protestant", "catholic")
    modern = year >= 1995
    if ethnicity == "chinese":
        if modern and christian:
            return rng.choice(MODERN_CHRISTIAN[sex])
        return rng.choice(CHINESE_GIVEN[sex])
    if ethnicity in ("batak", "eastern") or (christian and ethnicity != "javanese"):
        if modern:
            return _modern(rng, sex, christian)
        return rng.choice(CHRISTIAN[sex]) if christian else _classic(rng, "minang", sex)
    if christian:
        # Javanese Christians often carry a baptismal name before a Javanese one.
        return rng.choice(CHRISTIAN[sex]) + " " + (
            _modern(rng, sex, False).split()[-1] if modern else _classic(rng, "javanese", sex))
    if modern:
        return _modern(rng, sex, False)
    return _classic(rng, ethnicity, sex)


def family_name(rng, ethnicity, religion):
    """A surname or marga for the ethnicities that carry one, else ``None``."""
    if ethnicity == "batak":
        return rng.choice(MARGA_MUSLIM if religion == "islam" else MARGA_CHRISTIAN)
    if ethnicity == "chinese":
        return rng.choice(CHINESE_SURNAMES)
    if ethnicity == "eastern":
        return rng.choice(EASTERN_SURNAMES)
    return None


def full_name(rng, ethnicity, sex, year, religion, surname=None, birth_order=1):
    """Assemble a full name; ``surname`` is the person's marga or family name."""
    if ethnicity == "balinese":
        prefix = "I" if sex == "M" else "Ni"
        return "%s %s %s" % (prefix, BALI_ORDER[(birth_order - 1) % 4], rng.choice(BALI_GIVEN))
    name = given_name(rng, ethnicity, sex, year, religion)
    if surname:
        name = "%s %s" % (name, surname)
    return name[:100]
