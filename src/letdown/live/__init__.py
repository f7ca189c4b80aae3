"""The live session screen: the logbook's taps with the routine playing beside them. It sits
above both apps (logbook ← routines ← live), so neither has to import the other."""
