// Replaced by the ArgumentParser command tree.
print("stepexport")
