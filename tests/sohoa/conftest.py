"""The service fixtures are shared by every test folder (`tests/service_fixtures.py`,
loaded by the root conftest)."""
