"""Request types, organizations and customers, knowledge base articles and incidents."""

urls = []
