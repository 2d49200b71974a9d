"""The Lecture menu: the lecture's other topics as standalone views, and image exports.

Each view is a QWidget (or QDialog) that takes what it needs, so the main window can open it
from a menu: ``ActivationView()``, ``LandscapeView(experiment)``, ``BatchComparisonView(experiment)``,
``GuidedTour()`` (emits ``openExample(path)``). Every number they show comes from the engine.
"""
