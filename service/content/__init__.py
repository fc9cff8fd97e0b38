"""Article source content: English text and metadata, one data file per article."""
