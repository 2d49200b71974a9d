"""The main window: menus, toolbar, actions, status bar, the Help menu."""
