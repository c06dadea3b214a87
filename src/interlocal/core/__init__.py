"""The site shell: home and dashboards, navigation, tables, files, health, errors, e-mail tasks."""
