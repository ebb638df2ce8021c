"""Commands that write files a user will own: ``csi new``, ``csi init``, ``csi import``
and ``csi export``.

In: what the user asked for and the register as it stands. Out: new files, written
atomically through ``csitools.files``, never replacing a file the command did not
create (``entries`` makes new entries, ``scaffold`` a new register from
``templates/init``, ``importer`` maps a spreadsheet register to entries, ``export``
writes the register with its computed health).
"""
