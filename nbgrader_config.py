# nbgrader configuration for the course. Run nbgrader from the repo root
# (the Make targets do): nbgrader only reads nbgrader_config.py from the
# current directory.
import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "lstm-course"
c.CourseDirectory.root = here
# Instructor notebooks (with solutions and hidden tests) live in solutions/,
# the student versions that `make release` generates in exercises/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# The instructor's working data stays in course/, which git ignores.
c.CourseDirectory.submitted_directory = os.path.join("course", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("course", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("course", "feedback")
c.CourseDirectory.solution_directory = os.path.join("course", "solution")
c.CourseDirectory.source_with_tests_directory = os.path.join("course", "source_with_tests")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "course", "gradebook.db")

# Released notebooks must not carry the instructor's outputs.
c.ClearOutput.enabled = True
# The setup cell's install line gets the site's real address (lstm_grader.course_site) before nbgrader's own steps.
from nbgrader.converters import GenerateAssignment  # noqa: E402

c.GenerateAssignment.preprocessors = ["lstm_grader.course_site.FillSiteAddress",
                                      *GenerateAssignment.class_traits()["preprocessors"].default()]

# Autograding (lstm_grader; run it with `make autograde`, see book/instructor_guide.md). The learner's code runs in
# a sandboxed kernel; the score of each graded test cell comes from a verdict computed here with lstm_ref.
from lstm_grader.steps import IN_ONE_PROCESS  # noqa: E402  (the one list of grading steps)

c.Autograde.autograde_preprocessors = IN_ONE_PROCESS
# Seconds the whole notebook may run in the grading kernel (every cell shares it).
c.SandboxedExecute.notebook_timeout = 30
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "lstm_grader.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
