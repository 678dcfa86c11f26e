"""Judging: a patient's timeline of findings (`timeline`), each criterion's status, reason and
evidence (`evaluate`, pure), the patient's status, score and rank (`ranking`), and the
eligibility model that orders patients inside a status group (`eligibility`)."""
