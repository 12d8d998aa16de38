"""The report "Beyond alignment": its themes, recommendations and their coverage by agendas."""
