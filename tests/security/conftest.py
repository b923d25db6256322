"""The security tests work on the permission matrix's records (the `writable` fixture of
tests/test_permission_matrix.py: Jordan Example in Northmoor with an episode, an interview, an alert, a screening, a
referral, a share, a Philomena profile and photo, persons, places and links, a stored report, and the open episode
and interview the API writes act on), so every record type a URL can name exists."""

from tests.api.conftest import interview, returned_episode  # noqa: F401 - the API tests' fixtures, shared
from tests.test_permission_matrix import matrix, matrix_records, writable  # noqa: F401 - the fixtures, shared
from tests.web.conftest import case  # noqa: F401 - the page tests' interview fixture, shared
