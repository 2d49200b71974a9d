"""Practice: questions asked of a walkthrough's numbers, random exercises, answer checking and sheets (no Qt)."""
