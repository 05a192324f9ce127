"""Teaching tools: the f = w·x + b walkthrough, the expression language (`expr`), the terminal quiz,
generated exercises and printable worksheets, and the grader of students' own engines."""
