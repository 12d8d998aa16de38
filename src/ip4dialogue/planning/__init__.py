"""Planning aids that need neither the database nor Flask: the fair-times measure."""
