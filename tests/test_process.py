"""A server process imports every view at start and freezes what it loaded."""

import os
import subprocess
import sys


def test_the_wsgi_module_loads_every_view_and_freezes_startup_objects(tmp_path):
    probe = (
        "import gc, sys\n"
        "import letdown.wsgi\n"
        "print(gc.get_freeze_count() > 10000, 'letdown.insights.views' in sys.modules,"
        " 'statsmodels' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "LETDOWN_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True"]
