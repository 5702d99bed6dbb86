from postaudit.cli import main

main()
