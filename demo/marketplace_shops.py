"""The marketplace demo's invented shops and buyers, and a product photo drawn for each.

Businesses, products and buyers are invented; prices are ordinary Jakarta
village-market prices (integer rupiah).
"""
import io

from PIL import Image, ImageDraw

#: (category, business name, SPP-IRT months left or None, products: title, description,
#: price, unit, stock)
SHOPS = (
    ("food", "Keripik Singkong Renyah", 4, (
        ("Keripik Singkong Balado", "Singkong pilihan, bumbu balado pedas manis, 250 g.",
         15000, "bungkus", 40),
        ("Kripik Pisang Coklat", "Pisang kepok tipis berlapis coklat, 200 g.", 18000,
         "bungkus", 25))),
    ("food", "Kue Basah Lestari", 30, (
        ("Kue Lapis Legit", "Lapis legit 20 x 20 cm, pesan H-1.", 185000, "loyang", 5),
        ("Kue-Kue Basah Campur", "Isi 10: nagasari, lemper, kue lumpur.", 25000, "kotak",
         20))),
    ("drinks", "Jamu Gendong Sehat", None, (
        ("Jamu Kunyit Asam", "Kunyit asam segar tanpa pengawet, 350 ml.", 8000, "botol", 30),
        ("Beras Kencur", "Beras kencur hangat, 350 ml.", 8000, "botol", 30))),
    ("crafts", "Anyaman Bambu Tanjung", None, (
        ("Tampah Bambu Anyam", "Diameter 40 cm, anyaman rapat.", 35000, "pcs", 12),
        ("Keranjang Belanja Pandan", "Tas anyaman pandan, muat 5 kg.", 55000, "pcs", 8))),
    ("fashion", "Batik Betawi Ondel", None, (
        ("Batik Tulis Betawi Ondel-Ondel", "Kain katun primis 2 m, motif ondel-ondel.",
         350000, "lembar", 6),
        ("Kemeja Batik Cap Pria", "Katun, ukuran M-XL.", 145000, "pcs", 10))),
    ("agriculture", "Sayur Organik Kebun Warga", None, (
        ("Kangkung Organik", "Panen pagi dari kebun warga.", 5000, "ikat", 50),
        ("Cabai Rawit Merah", "Cabe rawit segar.", 12000, "ons", 5))),
    ("services", "Jahit dan Permak Rapi", None, (
        ("Permak Celana Jeans", "Potong dan jahit ulang, selesai 1 hari.", 20000, "potong",
         15),)),
)
BUYERS = ("Rina Marlina", "Dodi Setiawan", "Yuli Astuti", "Agus Salim", "Wati Rahayu",
          "Bambang Sutrisno", "Sri Mulyani", "Hendra Gunawan", "Nurul Hidayah", "Eko Prasetyo")
COLOURS = {"food": (214, 137, 16), "drinks": (39, 174, 96), "crafts": (160, 100, 50),
           "fashion": (142, 68, 173), "agriculture": (46, 134, 75), "services": (41, 98, 155)}


def buyer_phone(i):
    return "0813%08d" % (20260000 + i)


def photo(category, title):
    """A drawn stand-in for a product photo (JPEG bytes): a coloured card with the title."""
    image = Image.new("RGB", (1600, 1200), COLOURS.get(category, (90, 90, 90)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, 1520, 1120), outline=(255, 255, 255), width=12)
    draw.text((140, 560), title, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
