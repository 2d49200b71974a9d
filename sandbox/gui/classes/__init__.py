"""The Classes dock (issue 14): confusion matrix, per-class accuracy and a gallery of samples to step through."""
