"""Tools beside the product's main path: scoring against gold (`evalgold`), training the
eligibility model (`train`) and writing synthetic cohorts (`synth`). The CLI calls them;
nothing below the CLI imports them."""
