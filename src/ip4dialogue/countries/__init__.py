"""Countries and the groups that shape the balance of the room: NATO, the IP4, others."""
