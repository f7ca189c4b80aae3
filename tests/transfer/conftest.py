from .babybuddy_server import babybuddy  # noqa: F401 - a fixture for the tests here
