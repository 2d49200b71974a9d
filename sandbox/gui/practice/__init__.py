"""Practice mode in the window: Step asks for the next value; the answer bar; File ▸ New Exercise…."""
