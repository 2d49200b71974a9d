"""Small helpers every view uses: docks, icons, colours, number formatting."""
