"""What every batch worker needs, loaded once in the fork server the workers fork from.

`start.worker_context()` names this module as the fork server's preload: the server
imports the parser, the rules and textstat, builds the syllable table and checks the
lean tree builder (`parse.soup.lean_works`) once, and each worker starts as a fork of
it with all of that in place (copy-on-write), instead of importing and building it
again in every process. Importing it has those effects
on purpose; nothing else imports it.
"""

from __future__ import annotations

import postaudit.judge.engine
import postaudit.rules
import postaudit.run.pipeline
import postaudit.run.workers
from postaudit.measure.syllables import cmu_dictionary, textstat_module
from postaudit.parse.soup import lean_works

textstat_module()
cmu_dictionary()
lean_works()

__all__ = ["postaudit"]
