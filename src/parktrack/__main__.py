from parktrack.cli import main

main()
