"""The note NLP: clinic notes into dated, coded findings. A spaCy pipeline of our own
components (`tokenizer`, `components`: sentences, sections, assertion context), the value
extraction (`extract`, `chunks`), and what it reads by: the shared vocabulary (`vocab`), dates
(`dates`), units (`units`) and dose equivalences (`doses`), with their data under `data/`.
spaCy objects stay in here; the rest of the engine gets frozen dataclasses."""
