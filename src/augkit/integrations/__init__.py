"""Training-framework integrations (each imports its framework only when it needs it).

* :mod:`augkit.integrations.torch` - ``AugmentedDataset`` (per-sample augmentation in a
  PyTorch ``Dataset``, seeded per DataLoader worker and epoch) and ``BatchAugment`` (a
  ``collate_fn`` that augments each batch in one vectorised ``pipeline.batch`` call).
* :mod:`augkit.integrations.hf` - ``hf_transform``: a function for Hugging Face
  ``datasets.Dataset.set_transform`` / ``with_transform`` that augments a batch of a column.

Importing this package (or either module) imports neither torch nor ``datasets``.
"""
