"""What each view shows, as plain frames, layouts, formats and colours (no Panel): the dashboard, the
static snapshot, the notebooks and the command line draw from the same functions."""
