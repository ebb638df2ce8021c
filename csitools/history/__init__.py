"""History beside the flow: git in, revisions and changes out.

In: the git repository that holds the register. Out: ``git`` runs git and reads
trees and blobs, ``revisions`` loads the register at each commit (``History``,
changelog, status timelines), and ``changes`` compares two revisions (``csi diff``,
edits after approval).
"""
