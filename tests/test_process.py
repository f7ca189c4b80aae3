"""A server process imports every view at start and freezes what it loaded."""

import os
import subprocess
import sys


def test_the_wsgi_module_loads_every_view_and_freezes_startup_objects(tmp_path):
    probe = (
        "import gc, sys\n"
        "import letdown.wsgi\n"
        "from letdown.insights.views import index\n"
        # What start loaded is out of the collector's sight: a full collection never scans it.
        "print(not any(o is index for o in gc.get_objects()),"
        " 'letdown.insights.views' in sys.modules, 'statsmodels' in sys.modules)\n"
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
