"""The marketplace service: UMKM sellers (residents), their listings and buyers' orders."""
