"""The page-to-author matcher: learned, calibrated judgements of anonymous pages.

- :mod:`.features`: the evidence for one (page, candidate) pair as numbers (pure);
- :mod:`.model`: a trained model file -> calibrated probabilities, the new-author
  probability and a recommendation (pure, no scikit-learn);
- :mod:`.store`: which model file the app uses (``MATCHER_MODEL`` setting, else
  the shipped ``model.json``), loaded once per process;
- :mod:`.training`: fitting a model from labelled examples with scikit-learn
  (used by ``manage.py train_matcher`` and the benchmark only).

The queries that gather the facts are in :mod:`curation.finders.page_facts`.
"""
