"""History beside the flow: git in, revisions and changes out.

In: the git repository that holds the register. Out: ``git`` runs git and reads
trees and blobs, ``log`` reads every commit and the file versions it names,
``tracked`` reads the fields an audit follows from one version, ``revisions`` follows
each file through the log (``History``, changelog, status timelines), ``changes``
compares two versions of a file, and ``diff`` two trees (``csi diff``).
"""
