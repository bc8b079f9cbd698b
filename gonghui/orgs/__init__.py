"""The union tree's pages, enterprises, people and their memberships (会籍), roster import."""
