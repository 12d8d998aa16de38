"""The report "Beyond alignment" and its successors: themes and recommendations."""
