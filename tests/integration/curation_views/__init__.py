"""The curators' pages and the admin actions, through HTTP."""
