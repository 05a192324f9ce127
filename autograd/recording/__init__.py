"""Recording: the backward pass recorded step by step (`trace`) and the questions a student
answers about it (`practice`, the checker of the quiz, the explorer's practice mode and worksheets)."""
