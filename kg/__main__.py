from kg.cli.main import run

run()
