import sys

from lstm_grader.runner import main

sys.exit(main())
