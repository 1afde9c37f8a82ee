"""The service's own words in Chinese and English: page texts, input errors as sentences."""
