"""Tools that drive the web app from outside: a demonstration database (`demo`), a large
synthetic one (`synth`), the HTTP speed measurement and its test server (`bench`), and the
README's screenshots (`screenshots`). Not part of the app: the app never imports them."""
